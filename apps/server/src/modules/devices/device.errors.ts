import { AppError, ErrorCode } from '../../common/errors.js';

export class DeviceError extends AppError {
  static override notFound(idOrName: string): DeviceError {
    return new DeviceError(404, ErrorCode.ITEM_NOT_FOUND, `Device ${idOrName} not found`);
  }
  static nameTaken(name: string): DeviceError {
    return new DeviceError(400, ErrorCode.INVALID_ARGUMENTS, `Device with name '${name}' already exists`);
  }
}
