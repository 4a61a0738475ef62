/** @module Admin API: routings, job tickets, stations, operators and users (admin role). */
import { Hono } from 'hono';
import { renderSVG } from 'uqr';
import type { AuthEnv } from '../auth';
import { requireRole } from '../auth';
import { addOperator, addUser } from '../admin/people';
import { checkedOrThrow, publishRoutingInSteps } from '../admin/routings';
import { enrollStation, revokeStation } from '../admin/stations';
import { createTicket } from '../admin/tickets';
import { enrollSite } from '../hub';
import type { Site } from '../site';
import { readBodyText, readJsonBody } from './body';

/** A routing of 10,000 nodes with names fits; the check runs off the event loop. */
const MAX_ROUTING_BYTES = 4 * 1024 * 1024;

export function adminRoutes(site: Site): Hono<AuthEnv> {
  const now = (): string => site.clock().toISOString();
  return (
    new Hono<AuthEnv>()
      .use(requireRole('admin'))
      .post('/routings', async (c) => {
        // Checked on a worker thread: a large routing must not hold up the stations' pushes.
        const check = await site.routingChecker.check(await readBodyText(c.req.raw, MAX_ROUTING_BYTES));
        const result = await publishRoutingInSteps(site.db, checkedOrThrow(check), now());
        return c.json(result, result.created ? 201 : 200);
      })
      .post('/tickets', async (c) =>
        c.json(createTicket(site.db, site.system, await readJsonBody(c.req.raw), now()), 201),
      )
      .post('/stations', async (c) => {
        const enrolled = enrollStation(site.db, await readJsonBody(c.req.raw), now());
        // The link a supervisor shows as a QR code: opening it enrolls that browser, once. It cannot be
        // fetched again (only the code's hash is kept), so the QR code comes with it.
        const enrollUrl = `${new URL(c.req.url).origin}/#enroll=${enrolled.enrollCode}`;
        return c.json({ ...enrolled, enrollUrl, enrollQrSvg: renderSVG(enrollUrl, { border: 4 }) }, 201);
      })
      .delete('/stations/:name', (c) => {
        revokeStation(site.db, c.req.param('name'), now());
        site.reference.refresh(); // its token stops working at once in this process
        return c.body(null, 204);
      })
      .post('/operators', async (c) =>
        c.json(addOperator(site.db, await readJsonBody(c.req.raw), now()), 201),
      )
      .post('/users', async (c) => c.json(addUser(site.db, await readJsonBody(c.req.raw), now()), 201))
      // Hub mode: a credential for a site that forwards its events here (shown once).
      .post('/sites', async (c) => c.json(enrollSite(site.db, await readJsonBody(c.req.raw), now()), 201))
  );
}
