export * from './port.js';
export { Tmux, type TmuxOptions } from './adapter.js';
export { ControlClient, type ControlClientOptions } from './control/client.js';
export { ControlParser, decodeOctal, notificationEvent, type ControlMessage } from './control/parser.js';
export { tmuxError, isTargetGoneText, isUnreachableText } from './errors.js';
export {
  tmuxExec,
  tmuxExecChain,
  escapeArg,
  chainArgv,
  DEFAULT_TIMEOUT_MS,
  MAX_ARGV_BYTES,
  type ExecOptions,
} from './exec.js';
export { PANE_FORMAT, FIELD_SEP, RECORD_MARK, parsePanes } from './format.js';
export { launchScript, TMUX_OWNED_ENV } from './launch.js';
export { quoteArg, commandLine } from './quote.js';
export { sessionTarget, windowTarget, DEFAULT_SIZE } from './session.js';
export { MIN_VERSION, parseTmuxVersion, assertSupported, versionAtLeast, readTmuxVersion } from './version.js';
