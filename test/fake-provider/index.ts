// The fake LLM provider for tests and benchmarks. See server.ts and script.ts.

export type { Prepared } from './defaults.ts';
export { DEFAULT_PROMPT_TOKENS, DEFAULTS_CONFIG, geminiArrayFrames } from './defaults.ts';
export { anthropicErrorBody, geminiErrorBody, openaiErrorBody } from './errors.ts';
export type { Fixture } from './fixtures.ts';
export {
  FIXTURES_DIR,
  fixtureBytes,
  fixtureContentType,
  fixtureFrames,
  listFixtures,
  loadFixture,
  splitJsonArrayStream,
  splitSseFrames,
} from './fixtures.ts';
export { matchRoute } from './routes.ts';
export {
  anthropicError,
  defaultReply,
  drip,
  dynamic,
  failAfterBytes,
  failAfterFrames,
  fixture,
  geminiError,
  html,
  json,
  openaiError,
  raw,
  reset,
  slowFirstByte,
  sse,
  stall,
  truncateAfterBytes,
  truncateAfterFrames,
  withOptions,
} from './script.ts';
export { startFakeProvider } from './server.ts';
export type {
  DefaultsConfig,
  FakeProvider,
  FakeProviderOptions,
  Matcher,
  ProviderFlavor,
  RecordedRequest,
  Reply,
  ReplyOptions,
  Route,
  RouteKind,
} from './types.ts';
