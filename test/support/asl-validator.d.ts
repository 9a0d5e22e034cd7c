declare module "asl-validator" {
  interface AslValidatorOptions {
    readonly checkArn?: boolean;
    readonly checkPaths?: boolean;
  }
  export default function aslValidator(
    definition: unknown,
    options?: AslValidatorOptions,
  ): { isValid: boolean; errors: unknown[] };
}
