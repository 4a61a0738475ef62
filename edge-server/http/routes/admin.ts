/** @module Admin API: routings, job tickets, stations, operators and users (admin role). */
import { Hono } from 'hono';
import { renderSVG } from 'uqr';
import type { AuthEnv } from '../authenticate';
import { requireRole } from '../authenticate';
import { addOperator, addUser } from '../../admin/people';
import { publishRoutingInSteps } from '../../admin/routings';
import { unwrap } from '../errors';
import { enrollStation, revokeStation } from '../../admin/stations';
import { createTicket } from '../../admin/tickets';
import { enrollSite } from '../../hub/intake';
import type { EdgeCore } from '../../edge';
import { readBodyText, readJsonBody } from '../body';

/** A routing of 10,000 nodes with names fits; the check runs off the event loop. */
const MAX_ROUTING_BYTES = 4 * 1024 * 1024;

export function adminRoutes(core: EdgeCore): Hono<AuthEnv> {
  const now = (): string => core.clock().toISOString();
  return (
    new Hono<AuthEnv>()
      .use(requireRole('admin'))
      .post('/routings', async (c) => {
        // Checked on a worker thread: a large routing must not hold up the stations' pushes.
        const check = await core.routingChecker.check(await readBodyText(c.req.raw, MAX_ROUTING_BYTES));
        const result = unwrap(await publishRoutingInSteps(core.db, check, now()));
        return c.json(result, result.created ? 201 : 200);
      })
      .post('/tickets', async (c) =>
        c.json(unwrap(createTicket(core.db, core.system, await readJsonBody(c.req.raw), now())), 201),
      )
      .post('/stations', async (c) => {
        const enrolled = unwrap(enrollStation(core.db, await readJsonBody(c.req.raw), now()));
        // The link a supervisor shows as a QR code: opening it enrolls that browser, once. It cannot be
        // fetched again (only the code's hash is kept), so the QR code comes with it.
        const enrollUrl = `${new URL(c.req.url).origin}/#enroll=${enrolled.enrollCode}`;
        return c.json({ ...enrolled, enrollUrl, enrollQrSvg: renderSVG(enrollUrl, { border: 4 }) }, 201);
      })
      .delete('/stations/:name', (c) => {
        unwrap(revokeStation(core.db, c.req.param('name'), now()));
        core.reference.refresh(); // its token stops working at once in this process
        return c.body(null, 204);
      })
      .post('/operators', async (c) =>
        c.json(unwrap(addOperator(core.db, await readJsonBody(c.req.raw), now())), 201),
      )
      .post('/users', async (c) =>
        c.json(unwrap(addUser(core.db, await readJsonBody(c.req.raw), now())), 201),
      )
      // Hub mode: a credential for a site that forwards its events here (shown once).
      .post('/sites', async (c) =>
        c.json(unwrap(enrollSite(core.db, await readJsonBody(c.req.raw), now())), 201),
      )
  );
}
