/** @module The planning desk's job tickets: listed, and one ticket with its serials for labels and travelers (admin role). */
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import type { EdgeCore } from '../../edge';

export function ticketDeskRoutes(_core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>();
}
