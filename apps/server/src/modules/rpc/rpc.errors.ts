import { AppError, ErrorCode } from '../../common/errors.js';

export class RpcError extends AppError {
  static noRoute(): RpcError {
    return new RpcError(
      409,
      ErrorCode.CONFLICT,
      'The RPC reached no Integration Downlink node: no rule chain route sends RPC Request to Device to an Integration Downlink node. ' +
        "In the Root Rule Chain, connect the Message Type Switch's 'RPC Request to Device' relation to an Integration Downlink node",
    );
  }
  static ruleNodeFailed(nodeName: string, error: string): RpcError {
    return new RpcError(
      409,
      ErrorCode.CONFLICT,
      `The RPC did not reach an Integration Downlink node: rule node '${nodeName}' failed: ${error}`,
    );
  }
  /** A failed downlink: 409 integration not connected, 422 converter error, 404 unknown integration. */
  static downlink(status: number, error: string): RpcError {
    const code =
      status === 409 ? ErrorCode.CONFLICT : status === 404 ? ErrorCode.ITEM_NOT_FOUND : ErrorCode.GENERAL;
    return new RpcError(status, code, error);
  }
  static timeout(deviceName: string, method: string, ms: number): RpcError {
    return new RpcError(
      504,
      ErrorCode.TIMEOUT,
      `Device '${deviceName}' did not answer the RPC '${method}' within ${ms} ms`,
    );
  }
  static tenantDeleted(deviceName: string, method: string): RpcError {
    return new RpcError(410, ErrorCode.GENERAL, `The RPC '${method}' to device '${deviceName}' ended without a reply: its tenant was deleted`);
  }
  static rpcNotFound(id: string): RpcError {
    return new RpcError(404, ErrorCode.ITEM_NOT_FOUND, `RPC with id ${id} not found`);
  }
}
