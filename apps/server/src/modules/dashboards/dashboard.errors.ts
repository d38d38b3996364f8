import { AppError, ErrorCode } from '../../common/errors.js';

export class DashboardError extends AppError {
  static override notFound(id: string): DashboardError {
    return new DashboardError(404, ErrorCode.ITEM_NOT_FOUND, `Dashboard with id ${id} not found`);
  }
}
