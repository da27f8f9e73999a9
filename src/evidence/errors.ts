/** Why a pack can't be built: the CLI prints the message, the API maps the code (NOT_FOUND / BAD_USER_INPUT). */
export class EvidencePackError extends Error {
  override readonly name = 'EvidencePackError';
  constructor(
    readonly code: 'NOT_FOUND' | 'BAD_INPUT',
    message: string,
  ) {
    super(message);
  }
}
