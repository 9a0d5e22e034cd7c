// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
import { describe, expect, it } from "vitest";
import { ids, SUBSCRIPTIONS_DEAD_LETTERS } from "../../scripts/cloudformation/build-template.js";
import type { CfnTemplate } from "../../scripts/cloudformation/cfn-yaml.js";
import { checkSecurityRules } from "../../scripts/cloudformation/security-rules.js";
import { type LooseResources, loadCommittedTemplate } from "./committed-template.js";

const committed = loadCommittedTemplate();
type Resources = LooseResources;

function broken(mutate: (resources: Resources) => void): CfnTemplate {
  const copy = structuredClone(committed);
  mutate(copy.Resources as never);
  return copy;
}

const firstStatement = (r: Resources, handler: string) =>
  r[ids.role(handler)]!.Properties.Policies[0].PolicyDocument.Statement;

describe("security rules", () => {
  it("the committed template keeps them all", () => {
    expect(checkSecurityRules(committed)).toEqual([]);
  });

  const breaches: [string, (r: Resources) => void, RegExp][] = [
    [
      "an IAM action *",
      (r) => {
        firstStatement(r, "api").push({
          Effect: "Allow",
          Action: "*",
          Resource: { "Fn::GetAtt": [ids.table("orders"), "Arn"] },
        });
      },
      /wildcard action \*/,
    ],
    [
      "a service-wide action",
      (r) => {
        firstStatement(r, "process-order")[1].Action = ["dynamodb:*"];
      },
      /wildcard action dynamodb:\*/,
    ],
    [
      "a resource *",
      (r) => {
        firstStatement(r, "cancel-order")[1].Resource = "*";
      },
      /resource \* is not one of this template's resources/,
    ],
    [
      "a hand-written ARN pattern",
      (r) => {
        firstStatement(r, "cancel-order")[1].Resource = "arn:aws:dynamodb:*:*:table/*";
      },
      /is not one of this template's resources/,
    ],
    [
      "an Allow with NotAction",
      (r) => {
        const s = firstStatement(r, "api")[0];
        s.NotAction = s.Action;
        delete s.Action;
      },
      /NotAction/,
    ],
    [
      "a managed policy on a role",
      (r) => {
        r[ids.role("api")]!.Properties.ManagedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"];
      },
      /managed policies/,
    ],
    [
      "an unencrypted queue",
      (r) => {
        delete r[ids.queue("cancel")]!.Properties.SqsManagedSseEnabled;
      },
      /CancelQueue: queue without server-side encryption/,
    ],
    [
      "an unencrypted dead-letter queue",
      (r) => {
        delete r[ids.deadLetterQueue("intake")]!.Properties.SqsManagedSseEnabled;
      },
      /IntakeDeadLetterQueue: queue without server-side encryption/,
    ],
    [
      "an unencrypted table",
      (r) => {
        delete r[ids.table("orders")]!.Properties.SSESpecification;
      },
      /OrdersTable: table without SSESpecification/,
    ],
    [
      "a table without point-in-time recovery",
      (r) => {
        delete r[ids.table("fileHistory")]!.Properties.PointInTimeRecoverySpecification;
      },
      /point-in-time recovery/,
    ],
    [
      "an unencrypted topic",
      (r) => {
        delete r[ids.alertTopic]!.Properties.KmsMasterKeyId;
      },
      /topic without KmsMasterKeyId/,
    ],
    [
      "an unencrypted bucket",
      (r) => {
        delete r[ids.filesBucket]!.Properties.BucketEncryption;
      },
      /bucket without BucketEncryption/,
    ],
    [
      "a bucket open to public policies",
      (r) => {
        r[ids.filesBucket]!.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy = false;
      },
      /BlockPublicPolicy must be true/,
    ],
    [
      "a bucket reachable over plain HTTP",
      (r) => {
        delete r.FilesBucketPolicy;
      },
      /denying requests over plain HTTP/,
    ],
    [
      "a route without authorizer",
      (r) => {
        const route = r[ids.route("GET /orders/{id}")]!;
        route.Properties.AuthorizationType = "NONE";
        delete route.Properties.AuthorizerId;
      },
      /route GET \/orders\/\{id\} has no authorizer/,
    ],
    [
      "a queue without dead-letter queue",
      (r) => {
        delete r[ids.queue("modify")]!.Properties.RedrivePolicy;
      },
      /ModifyQueue: queue without a RedrivePolicy/,
    ],
    [
      "a redrive to something that is not a queue",
      (r) => {
        r[ids.queue("modify")]!.Properties.RedrivePolicy.deadLetterTargetArn = { Ref: ids.alertTopic };
      },
      /ModifyQueue: queue without a RedrivePolicy/,
    ],
    [
      "a queue policy open to a service from anywhere",
      (r) => {
        delete r[ids.queuePolicy("processing")]!.Properties.PolicyDocument.Statement[0].Condition;
      },
      /confused deputy/,
    ],
    [
      "an SQS subscription whose queue has no policy admitting the topic",
      (r) => {
        delete r[ids.queuePolicy("notifications-high")];
      },
      /NotificationsHighSubscription\.Properties\.Endpoint: queue NotificationsHighQueue has no queue policy allowing sns\.amazonaws\.com/,
    ],
    [
      "an SQS subscription whose queue admits another topic",
      (r) => {
        r[ids.queuePolicy("notifications-low")]!.Properties.PolicyDocument.Statement[0].Condition.ArnEquals[
          "aws:SourceArn"
        ] = { Ref: ids.alertTopic };
      },
      /NotificationsLowSubscription\.Properties\.Endpoint: queue NotificationsLowQueue has no queue policy/,
    ],
    [
      "an SQS subscription whose dead-letter queue does not admit the topic",
      (r) => {
        delete r[ids.deadLetterQueuePolicy(SUBSCRIPTIONS_DEAD_LETTERS)];
      },
      /NotificationsMediumSubscription\.Properties\.RedrivePolicy: queue NotificationSubscriptionsDeadLetterQueue has no queue policy/,
    ],
    [
      "a wildcard in a grant made under a condition",
      (r) => {
        const conditional = firstStatement(r, "deliver-notification").find(
          (statement: Record<string, unknown>) => "Fn::If" in statement,
        );
        conditional["Fn::If"][1].Action = ["sns:*"];
      },
      /wildcard action sns:\*/,
    ],
    [
      "a state machine ARN pattern instead of the named state machine",
      (r) => {
        const statement = firstStatement(r, "start-workflow").find((candidate: Record<string, unknown>) =>
          JSON.stringify(candidate).includes("states:StartExecution"),
        );
        statement.Resource = {
          "Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:*",
        };
      },
      /stateMachine:\* names none of this template's resources/,
    ],
    [
      "an ARN by a name no resource of the template has",
      (r) => {
        const statement = firstStatement(r, "release-fulfilment").find((candidate: Record<string, unknown>) =>
          JSON.stringify(candidate).includes("states:SendTaskSuccess"),
        );
        statement.Resource = {
          "Fn::Sub":
            "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:someone-elses-workflow",
        };
      },
      /someone-elses-workflow names none of this template's resources/,
    ],
    [
      "a state machine role allowed to invoke any function",
      (r) => {
        r[ids.stateMachineRole]!.Properties.Policies[0].PolicyDocument.Statement[0].Resource = "*";
      },
      /OrderWorkflowRole.*resource \* is not one of this template's resources/,
    ],
  ];

  it.each(breaches)("finds %s", (_, mutate, expected) => {
    const findings = checkSecurityRules(broken(mutate));
    expect(findings.map((finding) => `${finding.path}: ${finding.message}`).join("\n")).toMatch(expected);
  });
});
