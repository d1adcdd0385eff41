export { AssistantsError, toAssistantsError } from './assistants-error.js';
export { ERROR_CODES, type ErrorCode, isErrorCode } from './codes.js';
export {
  compareDiagnostics,
  type Diagnostic,
  type RelatedLocation,
  type Severity,
  type SourceLocation,
} from './diagnostic.js';
