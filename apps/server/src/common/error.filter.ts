import { SandboxBusyError } from '@bridgeboard/sandbox';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ZodError } from 'zod';
import { AppError, ErrorCode } from './errors.js';

/** Maps every error to the contracts.md shape {status, message, errorCode, timestamp}. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(err);
    // 504 is an expected outcome (a two-way RPC timed out), not a server fault.
    if (body.status >= 500 && body.status !== 504) this.logger.error(`${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) return;
    res.status(body.status).json(body);
  }
}

export function toErrorBody(err: unknown): {
  status: number;
  message: string;
  errorCode: number;
  timestamp: number;
  [k: string]: unknown;
} {
  const timestamp = Date.now();
  if (err instanceof AppError) {
    return { status: err.status, message: err.message, errorCode: err.errorCode, timestamp, ...err.details };
  }
  if (err instanceof SandboxBusyError) {
    return { status: 429, message: err.message, errorCode: ErrorCode.TOO_MANY_REQUESTS, timestamp };
  }
  if (err instanceof ZodError) {
    const first = err.issues[0];
    const field = first?.path.join('.') || 'body';
    return {
      status: 400,
      message: `Invalid ${field}: ${first?.message ?? 'invalid value'}`,
      errorCode: ErrorCode.INVALID_ARGUMENTS,
      timestamp,
      field,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const r = err.getResponse();
    let message = typeof r === 'string' ? r : ((r as { message?: unknown }).message ?? err.message);
    if (Array.isArray(message)) message = message.join('; ');
    if (status === 404 && /^Cannot (GET|POST|PUT|DELETE|PATCH)/.test(String(message)))
      message = `No such endpoint: ${String(message).replace(/^Cannot /, '')}`;
    if (status === 413) message = tooLarge((err.cause as { limit?: number } | undefined)?.limit);
    const code =
      status === 404
        ? ErrorCode.ITEM_NOT_FOUND
        : status === 401
          ? ErrorCode.AUTHENTICATION
          : status === 403
            ? ErrorCode.PERMISSION_DENIED
            : status === 429
              ? ErrorCode.TOO_MANY_REQUESTS
              : status >= 500
                ? ErrorCode.GENERAL
                : ErrorCode.BAD_REQUEST_PARAMS;
    return { status, message: String(message), errorCode: code, timestamp };
  }
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  if (e?.type === 'entity.too.large') {
    return { status: 413, message: tooLarge(e.limit), errorCode: ErrorCode.BAD_REQUEST_PARAMS, timestamp };
  }
  if (e?.type === 'entity.parse.failed') {
    return { status: 400, message: `Request body is not valid JSON: ${e.message}`, errorCode: ErrorCode.BAD_REQUEST_PARAMS, timestamp };
  }
  return { status: 500, message: 'Internal server error', errorCode: ErrorCode.GENERAL, timestamp };
}

/** body-parser puts its limit (bytes) on the error; say it, so the user knows how far to shrink. */
function tooLarge(limit: number | undefined): string {
  return limit ? `Request body is too large: the limit is ${Math.round(limit / 1024)} KB (HTTP_MAX_BODY_KB)` : 'Request body is too large';
}
