/**
 * Free-text notes of the kind reception staff write on a booking. They carry no planning rule;
 * they are here so screens, exports and search are tested against realistic text.
 */

export const HOUSEHOLD_NOTES: readonly string[] = [
  'regulars; oat milk',
  'birthday tomorrow',
  'nut allergy',
  'coeliac, gluten free meals',
  'vegan',
  'anniversary weekend',
  'car left on site, keys with reception',
  'prefers ground floor',
  'one child autistic; quiet room if possible',
  'arrived late yesterday',
  'hen party',
  'stag party, 6 more in Lodge 9',
  'lost phone charger',
  'grandparents joining Sunday',
  'halal meals',
  'kosher meals if possible',
  'lactose intolerant',
  'first holiday since bereavement, handle gently',
  'baby monitor left in caravan',
  'needs a cot',
  'teenager travelling with grandparents',
  'works night shifts, will call back',
  'owner-occupier, not a hirer',
];

/** Medical notes; prefixed with the guest's first name when written on the household. */
export const MEDICAL_NOTES: readonly string[] = [
  'insulin, needs fridge',
  'oxygen concentrator, needs power socket',
  'epilepsy medication, has 2 days supply',
  'dialysis due Monday',
  'EpiPen, severe nut allergy',
  'post-op, dressing change due tomorrow',
  'CPAP machine, needs power socket',
  'pregnant, 34 weeks',
  'heart condition, GTN spray',
  'type 1 diabetic child',
];

export const PET_NOTES: readonly string[] = [
  'dog (labrador)',
  '2 dogs (spaniels)',
  'cat in carrier',
  'elderly terrier, nervous',
  'dog (greyhound)',
  'assistance dog',
  'puppy, not house-trained',
  'rabbit in travel hutch',
  'dog (cockapoo)',
  '2 dogs and a cat',
];

/** Needs that carry no planning rule but that staff want to see. */
export const OTHER_GUEST_NEEDS: readonly string[] = ['hearing_impaired', 'visual_impaired', 'dietary'];
