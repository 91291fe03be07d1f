/**
 * Real towns of east Lincolnshire (coordinates of the town centre, postcode district) where the
 * fictional seed hotels and depots stand. `near` towns are within the default 60 km road limit of
 * the coast between Skegness and Mablethorpe; `far` towns are inland cities beyond it, used when a
 * benchmark wants hotels the planner must refuse.
 */

export interface Town {
  name: string;
  lat: number;
  lng: number;
  /** Postcode district, for address strings. */
  postcode: string;
  /** Rough relative size: how many hotels and depots it gets. */
  weight: number;
  /** On the sea: jitter hotels inland only, so none lands on the beach or in the North Sea. */
  coastal: boolean;
}

export const NEAR_TOWNS: readonly Town[] = [
  { name: 'Skegness', lat: 53.1436, lng: 0.3363, postcode: 'PE25', weight: 10, coastal: true },
  { name: 'Ingoldmells', lat: 53.1925, lng: 0.3388, postcode: 'PE25', weight: 4, coastal: true },
  { name: 'Chapel St Leonards', lat: 53.2233, lng: 0.3356, postcode: 'PE24', weight: 3, coastal: true },
  { name: 'Sutton-on-Sea', lat: 53.3124, lng: 0.2822, postcode: 'LN12', weight: 2, coastal: true },
  { name: 'Mablethorpe', lat: 53.3406, lng: 0.2612, postcode: 'LN12', weight: 5, coastal: true },
  { name: 'Wainfleet All Saints', lat: 53.107, lng: 0.235, postcode: 'PE24', weight: 2, coastal: false },
  { name: 'Burgh le Marsh', lat: 53.1614, lng: 0.2445, postcode: 'PE24', weight: 1, coastal: false },
  { name: 'Spilsby', lat: 53.1735, lng: 0.095, postcode: 'PE23', weight: 2, coastal: false },
  { name: 'Alford', lat: 53.2607, lng: 0.1799, postcode: 'LN13', weight: 2, coastal: false },
  { name: 'Horncastle', lat: 53.2088, lng: -0.1143, postcode: 'LN9', weight: 4, coastal: false },
  { name: 'Louth', lat: 53.3669, lng: -0.0061, postcode: 'LN11', weight: 6, coastal: false },
  { name: 'Woodhall Spa', lat: 53.152, lng: -0.215, postcode: 'LN10', weight: 3, coastal: false },
  { name: 'Coningsby', lat: 53.106, lng: -0.171, postcode: 'LN4', weight: 2, coastal: false },
  { name: 'Boston', lat: 52.978, lng: -0.0266, postcode: 'PE21', weight: 8, coastal: false },
];

export const FAR_TOWNS: readonly Town[] = [
  { name: 'Lincoln', lat: 53.2307, lng: -0.5406, postcode: 'LN1', weight: 10, coastal: false },
  { name: 'Sleaford', lat: 52.999, lng: -0.41, postcode: 'NG34', weight: 3, coastal: false },
  { name: 'Grantham', lat: 52.9118, lng: -0.6426, postcode: 'NG31', weight: 4, coastal: false },
  { name: 'Spalding', lat: 52.787, lng: -0.153, postcode: 'PE11', weight: 3, coastal: false },
  { name: 'Newark-on-Trent', lat: 53.076, lng: -0.809, postcode: 'NG24', weight: 3, coastal: false },
  { name: 'Gainsborough', lat: 53.399, lng: -0.775, postcode: 'DN21', weight: 2, coastal: false },
];

/**
 * The shoreline from Skegness north to Mablethorpe, south to north, a little inland of the beach.
 * Generated muster points are spread along it; interpolating between points stays on land.
 */
export const COASTLINE: readonly (readonly [lat: number, lng: number])[] = [
  [53.128, 0.335],
  [53.145, 0.338],
  [53.19, 0.338],
  [53.224, 0.332],
  [53.26, 0.316],
  [53.3, 0.285],
  [53.312, 0.278],
  [53.34, 0.258],
];

export const STREETS: readonly string[] = [
  'High Street',
  'Station Road',
  'Church Lane',
  'Market Place',
  'North Parade',
  'South Parade',
  'Sea Lane',
  'Roman Bank',
  'Main Road',
  'Victoria Road',
  'Queen Street',
  'West Street',
  'East Road',
  'Mill Lane',
  'The Green',
  'Park Avenue',
  'Lincoln Road',
  'London Road',
  'Bridge Street',
  'Chapel Lane',
];
