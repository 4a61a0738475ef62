/** @module Shift figures (being built), under /api/v1/supervisor/figures. */
import { ApiRoutes } from '../api-routes';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';

export function figureRoutes(_core: EdgeCore): ApiRoutes<AuthEnv> {
  return new ApiRoutes<AuthEnv>({ tags: [TAGS.supervisor] }).use(requireRole('supervisor', 'admin'));
}
