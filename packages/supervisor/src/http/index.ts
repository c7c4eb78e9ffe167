export { createApp, type AppDeps } from './app';
export { buildOpenApi, type OpenApiDocument } from './openapi';
export { STATUS_BY_CODE, TERMINAL_TIMEOUT_MESSAGE, HttpError } from './errors';
export { parseOrderRequest, type OrderRequest, type BodySource } from './order-request';
