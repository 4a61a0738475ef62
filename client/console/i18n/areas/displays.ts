/**
 * @module The console's words for displays (English, the source, and Thai typed from it: a missing key or
 * a wrong placeholder is a type error).
 */

export const displaysEn = {
  heading: 'Wall displays',
};

export const displaysTh: typeof displaysEn = {
  heading: 'จอแสดงผลติดผนัง',
};
