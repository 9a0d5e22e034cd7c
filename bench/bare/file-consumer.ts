/**
 * The baseline of the cold-start benchmark for the file handlers
 * (validate-file, extract-orders): the same SDK clients and commands (S3, DynamoDB
 * with its document client for the file history, SNS, SQS), created on the
 * first invocation, and nothing else: no container, no zod, no pino.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";

/** The commands the file flows send; kept so that the bundle holds their code, as the real handlers' do. */
export const COMMANDS = [
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  PublishBatchCommand,
  SendMessageBatchCommand,
];

/** Created on the first invocation and kept, as a handler's clients are. */
export let clients:
  | { s3: S3Client; dynamo: DynamoDBDocumentClient; sns: SNSClient; sqs: SQSClient }
  | undefined;

export async function handler(event: { Records?: unknown[] }) {
  clients ??= {
    s3: new S3Client({}),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    sns: new SNSClient({}),
    sqs: new SQSClient({}),
  };
  return { batchItemFailures: [] as { itemIdentifier: string }[], records: event.Records?.length ?? 0 };
}
