/** @module POST /api/v1/enroll: a browser exchanges an enrollment link's one-time code for a station credential. */
import { z } from 'zod';
import { enrollmentRedeemedSchema, redeemEnrollment } from '../../admin/enrollment';
import { ENROLLMENT_TTL_MS } from '../../admin/stations';
import { ApiRoutes } from '../api-routes';
import { readJsonBody } from '../body';
import { ApiError, unwrap } from '../errors';
import { TAGS } from '../openapi';
import type { EdgeCore } from '../../edge';

const MAX_ENROLL_BYTES = 4 * 1024;

const enrollSchema = z.object({
  code: z.string().max(200).describe('The code of an enrollment link (<origin>/#enroll=<code>)'),
});

export function enrollRoutes(core: EdgeCore): ApiRoutes {
  return new ApiRoutes({ tags: [TAGS.enrollment] }).post(
    '/enroll',
    {
      operationId: 'redeemEnrollment',
      summary: 'Exchange an enrollment link’s one-time code for this device’s station credential',
      description: `The code is the credential here: it works once, until it expires (${ENROLLMENT_TTL_MS / 86_400_000} days after the station was enrolled).`,
      body: { name: 'Enrollment', schema: enrollSchema, maxBytes: MAX_ENROLL_BYTES },
      responses: {
        200: {
          description: 'The station, and this device’s token (shown once)',
          json: { name: 'EnrollmentRedeemed', schema: enrollmentRedeemedSchema },
        },
      },
      errors: [404],
    },
    async (c) => {
      const body = enrollSchema.safeParse(await readJsonBody(c.req.raw, MAX_ENROLL_BYTES));
      if (!body.success) throw new ApiError('BAD_REQUEST', 'code: the code of an enrollment link');
      const enrolled = unwrap(redeemEnrollment(core.db, body.data.code, core.clock().toISOString()));
      core.reference.refresh();
      return c.json(enrolled);
    },
  );
}
