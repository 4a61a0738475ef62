/**
 * @module The console's words for routings: import, check, drawing, published versions (English, the source, and Thai typed from it: a missing
 * key or a wrong placeholder is a type error).
 */

export const routingsEn = {
  heading: 'Routings',
};

export const routingsTh: typeof routingsEn = {
  heading: 'เส้นทางการผลิต',
};
