import type { ExtractionError } from './types.ts';
import { PartialErrorLimitError } from './errors.ts';
import type { ConnectorError } from './errors.ts';

// Per-record problems are values (STYLE: "Per-record problems are values"): a missing entity or a
// bad page is recorded and the run continues, until maxPartialErrors says the run can't be trusted.

export class ErrorLog {
  readonly errors: ExtractionError[] = [];
  readonly warnings: string[] = [];
  readonly #partial: ConnectorError[] = [];

  constructor(private readonly maxPartialErrors: number) {}

  /** Records an error that did not stop the run; throws once partial errors pass the limit. */
  record(operation: string, error: ConnectorError): void {
    this.errors.push({
      operation,
      message: error.message,
      retryable: error.retryable,
      type: error.type,
      ...(error.entitySourceId ? { entitySourceId: error.entitySourceId } : {}),
    });
    if (error.errorClass === 'PARTIAL') {
      this.#partial.push(error);
      if (this.#partial.length > this.maxPartialErrors) throw new PartialErrorLimitError(this.maxPartialErrors, this.#partial);
    }
  }

  warn(message: string): void {
    this.warnings.push(message);
  }
}
