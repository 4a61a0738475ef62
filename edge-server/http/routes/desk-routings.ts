/** @module The planning desk's routings: published ones listed with their versions, one version's source, a check that stores nothing (admin role). */
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import type { EdgeCore } from '../../edge';

export function routingDeskRoutes(_core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>();
}
