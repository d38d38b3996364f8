import { AppError, ErrorCode } from '../../common/errors.js';

export class TransferError extends AppError {
  /** A field of the document, named by its path (e.g. `integrations[0].defaultConverterId`). */
  static badField(path: string, problem: string): TransferError {
    return new TransferError(400, ErrorCode.INVALID_ARGUMENTS, `${path}: ${problem}`, { field: path });
  }
  static noExample(name: string, known: string[]): TransferError {
    return new TransferError(
      404,
      ErrorCode.ITEM_NOT_FOUND,
      `There is no example '${name}'; examples: ${known.join(', ')}`,
    );
  }
}
