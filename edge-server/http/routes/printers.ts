/** @module The planning desk's label printers on the LAN and their print job queue (admin role). */
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import type { EdgeCore } from '../../edge';

export function printerRoutes(_core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>();
}
