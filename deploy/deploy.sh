#!/usr/bin/env bash
# Builds the Lambda bundles, packages deploy/template.yaml (uploads each
# function's bundle to the artifact bucket) and deploys the stack.
#
#   deploy/deploy.sh [--dry-run] STACK_NAME REGION ARTIFACT_BUCKET [ALERT_EMAIL] [Key=Value ...]
#
# STACK_NAME       lower case, 3-25 characters (part of the files bucket's and the state machine's names)
# REGION           e.g. eu-west-1
# ARTIFACT_BUCKET  an existing S3 bucket in REGION for the bundles and the packaged template
# ALERT_EMAIL      optional: subscribed to the alert topic (confirm the email AWS sends); "" for none
# Key=Value        optional: more template parameters (Orchestration=queue, LogLevel=debug, ...)
#
# --dry-run prints the commands instead of running them (no AWS call, no build).
set -euo pipefail

dry_run=false
if [[ "${1:-}" == "--dry-run" ]]; then
  dry_run=true
  shift
fi

if [[ $# -lt 3 ]]; then
  if $dry_run; then
    set -- "orderflow" "<region>" "<artifact-bucket>" "${@:4}"
  else
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
  fi
fi

stack_name=$1
region=$2
artifact_bucket=$3
alert_email=${4:-}
shift $(( $# < 4 ? $# : 4 ))
extra_parameters=("$@")

if ! [[ "$stack_name" =~ ^[a-z][a-z0-9-]{2,24}$ ]]; then
  echo "stack name must be 3-25 lower-case letters, digits or dashes, starting with a letter: $stack_name" >&2
  exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
packaged=$(mktemp -t "orderflow-packaged-XXXXXX.yaml")
trap 'rm -f "$packaged"' EXIT

run() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
  if ! $dry_run; then "$@"; fi
}

cd "$root"

# 1. Bundles: dist/lambda/<handler>/, one self-contained directory per function (index.mjs and its chunks).
run npm run build:lambda

# 2. Upload each function's directory (zipped) and write a template whose Code points at S3.
run aws cloudformation package \
  --region "$region" \
  --template-file deploy/template.yaml \
  --s3-bucket "$artifact_bucket" \
  --s3-prefix "$stack_name" \
  --output-template-file "$packaged"

# 3. Create or update the stack (the template is above the 51,200-byte inline limit: it goes through S3 too).
parameters=("AlertEmail=$alert_email" "${extra_parameters[@]}")
run aws cloudformation deploy \
  --region "$region" \
  --template-file "$packaged" \
  --stack-name "$stack_name" \
  --s3-bucket "$artifact_bucket" \
  --s3-prefix "$stack_name" \
  --capabilities CAPABILITY_IAM \
  --no-fail-on-empty-changeset \
  --parameter-overrides "${parameters[@]}"

# 4. What the stack made: API URL, user pool and client, files bucket, dashboard.
run aws cloudformation describe-stacks \
  --region "$region" \
  --stack-name "$stack_name" \
  --query "Stacks[0].Outputs[].[OutputKey,OutputValue]" \
  --output table
