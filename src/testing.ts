/**
 * `orderflow/testing`: what a project needs to test its own code and adapters
 * against orderflow's expectations. Loads vitest (the contract suites are vitest
 * suites), so import it from test files only.
 *
 * - the contract suites, one per port (`describeOrderRepositoryContract`, …),
 *   to run against any adapter;
 * - test data builders (`anOrder`, `aPlaceOrderInput`, `aCommandContext`, `aFileRecord`, …).
 */
export * from "./ports/contracts/index.js";
