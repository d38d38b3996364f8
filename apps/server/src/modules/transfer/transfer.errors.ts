import { AppError, ErrorCode } from '../../common/errors.js';

export class TransferError extends AppError {
  /** A field of the document, named by its path (e.g. `integrations[0].defaultConverterId`). */
  static badField(path: string, problem: string): TransferError {
    return new TransferError(400, ErrorCode.INVALID_ARGUMENTS, `${path}: ${problem}`, { field: path });
  }
  /** Loading an example again would subscribe a second integration to the same topics. */
  static alreadySubscribed(
    example: string,
    existing: { name: string; filters: string[] }[],
    broker: string,
  ): TransferError {
    const who = existing.map((e) => `'${e.name}' (${e.filters.join(', ')})`).join(', ');
    return new TransferError(
      409,
      ErrorCode.CONFLICT,
      `The ${example} example is already loaded: integration ${who} subscribes to the same topics on ${broker}. ` +
        `A second one would store every reading twice; use the existing one, or load the example anyway with ?duplicate=true.`,
      { integrations: existing.map((e) => e.name) },
    );
  }
  static noExample(name: string, known: string[]): TransferError {
    return new TransferError(
      404,
      ErrorCode.ITEM_NOT_FOUND,
      `There is no example '${name}'; examples: ${known.join(', ')}`,
    );
  }
}
