/**
 * @module The console's words for wall (English, the source, and Thai typed from it: a missing key or
 * a wrong placeholder is a type error).
 */

export const wallEn = {
  heading: 'Floor board',
};

export const wallTh: typeof wallEn = {
  heading: 'กระดานหน้างาน',
};
