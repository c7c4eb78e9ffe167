/**
 * HTTP Basic authentication on every route. The comparison is constant-time (express-basic-auth's safeCompare,
 * combined with a bitwise & so both parts are always compared).
 */
import type { RequestHandler } from 'express';
import basicAuth from 'express-basic-auth';
import { errorBody } from './errors';

export const REALM = 'ECR connector';

export function basicAuthMiddleware(login: string, password: string): RequestHandler {
  return basicAuth({
    authorizer: (user: string, pass: string) =>
      (Number(basicAuth.safeCompare(user, login)) & Number(basicAuth.safeCompare(pass, password))) === 1,
    challenge: true,
    realm: REALM,
    unauthorizedResponse: (req: basicAuth.IBasicAuthedRequest) =>
      errorBody(
        req.auth
          ? 'wrong login or password'
          : 'authentication required: send the TERMINAL_MANAGER_LOGIN and TERMINAL_MANAGER_PWD of config.txt with HTTP Basic',
      ),
  });
}
