/** Word lists for generated (fictional) hotel names: "The Royal Anchor, Louth", "Boston Park Hotel". */

export const NAME_ADJECTIVES: readonly string[] = [
  'Royal',
  'Grand',
  'Old',
  'White',
  'Golden',
  'Marine',
  'Kings',
  'Queens',
  'Red',
  'Black',
  'Blue',
  'Crown',
  'Priory',
  'Abbey',
];

export const NAME_NOUNS: readonly string[] = [
  'Anchor',
  'Lion',
  'Swan',
  'Hart',
  'Oak',
  'Bell',
  'Mill',
  'Lodge',
  'Manor',
  'House',
  'Inn',
  'Arms',
  'Court',
  'Hall',
];

export const NAME_KINDS: readonly string[] = [
  'Park Hotel',
  'Lodge',
  'Guest House',
  'Central Hotel',
  'Travel Inn',
  'Bay Hotel',
  'Country Hotel',
  'Manor',
  'Arms',
  'Bed & Breakfast',
];
