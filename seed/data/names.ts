/**
 * Name pools for seed households. A holiday park on the Lincolnshire coast draws mostly from the
 * Midlands and Yorkshire, so surnames are British in the broad sense: English, Scottish, Welsh,
 * Irish, and families of South Asian, African and Caribbean, East Asian and European heritage.
 * All combinations are fictional.
 */

export const SURNAMES: readonly string[] = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright',
  'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke',
  'Patel', 'Khan', 'Hughes', 'Turner', 'Hill', 'Cooper', 'Ward', 'Morris', 'Moore', 'Clark',
  'Harrison', 'Lewis', 'Baker', 'Lee', 'Allen', 'Morgan', 'Young', 'Martin', 'Scott', 'Mitchell',
  'Okafor', 'Adeyemi', 'Mensah', 'Osei', 'Begum', 'Hussain', 'Ahmed', 'Singh', 'Kaur', 'Sharma',
  'Chen', 'Nguyen', 'Wong', 'Li', "O'Brien", 'Murphy', 'Kelly', 'Byrne', 'Walsh', 'McDonald',
  'Campbell', 'Stewart', 'MacLeod', 'Fraser', 'Reid', 'Pritchard', 'Rees', 'Price', 'Powell', 'Lloyd',
  'Atkinson', 'Dixon', 'Fletcher', 'Marsh', 'Holmes', 'Shaw', 'Barker', 'Pearson', 'Hewitt', 'Booth',
  'Akhtar', 'Iqbal', 'Chowdhury', 'Mistry', 'Gill', 'Campbell-Reid', 'Francis', 'Grant', 'Bailey', 'Brathwaite',
  'Kowalczyk', 'Novak', 'Rossi', 'Costa', 'Fernandes', 'Silva', 'Abbott', 'Crossley', 'Ingham', 'Sutcliffe',
  'Whitworth', 'Gregson', 'Ashworth', 'Haigh', 'Fawcett', 'Lambert', 'Dawson', 'Webster', 'Naylor', 'Kitching',
];

export const ADULT_FIRST: readonly string[] = [
  'Ada', 'Ben', 'Claire', 'Dan', 'Emma', 'Farah', 'Gary', 'Helen', 'Imran', 'Jade',
  'Karen', 'Liam', 'Mandy', 'Nathan', 'Olu', 'Priya', 'Rob', 'Sarah', 'Tom', 'Usha',
  'Vicky', 'Wayne', 'Yasmin', 'Zoe', 'Adam', 'Beverley', 'Craig', 'Debbie', 'Ellie', 'Fiona',
  'Graham', 'Hannah', 'Ian', 'Jo', 'Kevin', 'Lisa', 'Mark', 'Nicola', 'Paul', 'Rachel',
  'Sanjay', 'Tracey', 'Aisha', 'Chidi', 'Mei', 'Kwame', 'Siobhan', 'Declan', 'Rhys', 'Carys',
  'Amir', 'Nadia', 'Grace', 'Kofi', 'Joanne', 'Stuart', 'Lee', 'Dawn', 'Shaun', 'Gemma',
  'Margaret', 'Brian', 'Pauline', 'Keith', 'Maureen', 'Derek', 'Sheila', 'Trevor', 'Jean', 'Colin',
];

export const CHILD_FIRST: readonly string[] = [
  'Oliver', 'Amelia', 'Noah', 'Isla', 'Leo', 'Ava', 'Jack', 'Mia', 'Arlo', 'Freya',
  'Muhammad', 'Aaliyah', 'Theo', 'Poppy', 'Oscar', 'Ivy', 'Archie', 'Lily', 'Alfie', 'Evie',
  'Zain', 'Maya', 'Finley', 'Rosie', 'Reggie', 'Sienna', 'Kai', 'Ruby', 'Harvey', 'Esme',
  'Tobi', 'Amara', 'Ethan', 'Daisy', 'Ezra', 'Willow', 'Jayden', 'Layla', 'Ronan', 'Niamh',
];

/** Households that asked for another language at booking: surname and first names to match. */
export interface LanguagePool {
  language: string;
  surnames: readonly string[];
  adults: readonly string[];
  children: readonly string[];
}

export const LANGUAGE_POOLS: readonly LanguagePool[] = [
  {
    language: 'pl',
    surnames: ['Kowalski', 'Nowak', 'Wiśniewski', 'Wójcik', 'Kamińska', 'Lewandowski'],
    adults: ['Agnieszka', 'Tomasz', 'Katarzyna', 'Piotr', 'Marta', 'Paweł'],
    children: ['Zofia', 'Jakub', 'Hanna', 'Antoni'],
  },
  {
    language: 'de',
    surnames: ['Schneider', 'Weber', 'Fischer', 'Becker', 'Hoffmann'],
    adults: ['Jürgen', 'Anke', 'Stefan', 'Sabine', 'Markus', 'Heike'],
    children: ['Lena', 'Felix', 'Mila', 'Paul'],
  },
  {
    language: 'lt',
    surnames: ['Kazlauskas', 'Petrauskas', 'Jankauskienė'],
    adults: ['Tomas', 'Rasa', 'Mindaugas', 'Jurgita'],
    children: ['Emilija', 'Lukas', 'Kamilė'],
  },
  {
    language: 'ro',
    surnames: ['Popescu', 'Ionescu', 'Dumitru'],
    adults: ['Andrei', 'Elena', 'Mihai', 'Ioana'],
    children: ['Sofia', 'Luca', 'Maria'],
  },
  {
    language: 'nl',
    surnames: ['de Vries', 'Jansen', 'van Dijk'],
    adults: ['Sanne', 'Bram', 'Femke', 'Joost'],
    children: ['Tess', 'Daan', 'Julia'],
  },
];
