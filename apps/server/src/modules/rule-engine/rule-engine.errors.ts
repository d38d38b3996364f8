import { AppError, ErrorCode } from '../../common/errors.js';

export class RuleEngineError extends AppError {
  static chainNotFound(id: string): RuleEngineError {
    return new RuleEngineError(404, ErrorCode.ITEM_NOT_FOUND, `Rule chain with id ${id} not found`);
  }
  static rootNotDeletable(): RuleEngineError {
    return new RuleEngineError(
      400,
      ErrorCode.BAD_REQUEST_PARAMS,
      'The Root Rule Chain cannot be deleted; make another rule chain root first',
    );
  }
  static chainInUse(name: string, nodeName: string, chainName: string): RuleEngineError {
    return new RuleEngineError(
      409,
      ErrorCode.CONFLICT,
      `Rule chain '${name}' is used by node '${nodeName}' of rule chain '${chainName}'; remove that node first`,
    );
  }
  static invalidField(field: string, why: string): RuleEngineError {
    return new RuleEngineError(400, ErrorCode.INVALID_ARGUMENTS, `Invalid ${field}: ${why}`, { field });
  }
}
