/**
 * @module The console's words for job tickets: release (piece or batch), list (English, the source, and Thai typed from it: a missing
 * key or a wrong placeholder is a type error).
 */

export const ticketsEn = {
  heading: 'Job tickets',
};

export const ticketsTh: typeof ticketsEn = {
  heading: 'ใบสั่งงาน',
};
