/**
 * @module The console's words for labels, travelers and the command-barcode sheet, printed from the browser (English, the source, and Thai typed from it: a missing
 * key or a wrong placeholder is a type error).
 */

export const labelsEn = {
  heading: 'Labels and travelers',
};

export const labelsTh: typeof labelsEn = {
  heading: 'ฉลากและใบติดงาน',
};
