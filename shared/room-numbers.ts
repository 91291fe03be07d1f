/** Room numbers as people read them: never a number without the room type it belongs to. */

/**
 * Room numbers with their room type, so that no number is read against the wrong room (a wheelchair
 * user's accessible room above all): { "accessible-double": ["101"], single: ["102"] } ->
 * ["accessible-double 101", "single 102"].
 */
export function labelledRoomNumbers(byType: Record<string, string[]> | null | undefined): string[] {
  return Object.entries(byType ?? {})
    .filter(([, numbers]) => numbers.length > 0)
    .map(([type, numbers]) => `${type} ${numbers.join(', ')}`);
}

/** The same in one line: "accessible-double 101; single 102" (empty when none is given). */
export function roomNumbersText(byType: Record<string, string[]> | null | undefined): string {
  return labelledRoomNumbers(byType).join('; ');
}
