/**
 * @module The console's words for figures (English, the source, and Thai typed from it: a missing key or
 * a wrong placeholder is a type error).
 */

export const figuresEn = {
  heading: 'Shift figures',
};

export const figuresTh: typeof figuresEn = {
  heading: 'ตัวเลขประจำกะ',
};
