/** @module The planning desk's stations, operators and users as the desk lists and changes them (admin role). */
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import type { EdgeCore } from '../../edge';

export function peopleDeskRoutes(_core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>();
}
