/**
 * The sandbox's public face: a local HighLevel stand-in that follows the official OpenAPI
 * contract, for the demo, the tests, the benchmarks and the chaos harness. It is kept
 * apart from `highlevel/` (the production client) and never imported by it.
 */
export { startSandbox } from './sandbox.js'
export type {
  AppWebhookBody,
  AppWebhookSent,
  InstallChoice,
  FaultSettings,
  FaultSettingsInput,
  RateLimits,
  Sandbox,
  SandboxCalls,
  SandboxContact,
  SandboxLogger,
  SandboxOptions,
  SeedContactInput,
} from './sandbox.js'
