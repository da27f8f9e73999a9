/** Storage failures the sync engine and API map to stable codes. */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';
  constructor(
    message: string,
    readonly code: 'UNAVAILABLE' | 'CONFLICT' | 'INVALID_INPUT' | 'INTERNAL',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
