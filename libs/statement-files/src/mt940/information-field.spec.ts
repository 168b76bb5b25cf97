import { parseInformation, type Mt940Information } from './information-field';

const none: Mt940Information = {
  gvc: null,
  bookingText: null,
  endToEndReference: null,
  customerReference: null,
  mandateReference: null,
  description: null,
  counterparty: null,
};

describe('parseInformation: German DFÜ/ZKA ?NN subfields', () => {
  it('joins physical lines without a separator, so a value or a ?NN tag may be cut anywhere', () => {
    const lines = ['166?00GUTSCHRIFT?20EREF+PED-10', '01?21SVWZ+Rechnung 4711 vom 0', '1.02.2026?2', '2 Kunde 88?3', '2Max Muster?33mann'];
    expect(parseInformation(lines)).toEqual({
      ...none,
      gvc: '166',
      bookingText: 'GUTSCHRIFT',
      endToEndReference: 'PED-1001',
      description: 'Rechnung 4711 vom 01.02.2026 Kunde 88',
      counterparty: 'Max Mustermann',
    });
  });

  it('reads SEPA keys that run on over ?20-?29 and ?60-?63, and ignores NOTPROVIDED', () => {
    const text =
      '109?00SEPA-LASTSCHRIFT?20EREF+NOTPROVIDED?21KREF+K-77?22MREF+MANDAT-0042?23CRED+DE98ZZZ09999999999?24SVWZ+Beitrag ' +
      '?25Januar bis?26 Maerz?27 2026 Ve?28rtrag 1?29234 ?60Mitglied?61 5?62 ?63Ende?30GENODEF1S04?31DE02300606010002474689?32TSV Gruen-Weiss e.V.';
    expect(parseInformation([text])).toEqual({
      gvc: '109',
      bookingText: 'SEPA-LASTSCHRIFT',
      endToEndReference: null,
      customerReference: 'K-77',
      mandateReference: 'MANDAT-0042',
      description: 'Beitrag Januar bis Maerz 2026 Vertrag 1234 Mitglied 5 Ende',
      counterparty: 'TSV Gruen-Weiss e.V.',
    });
  });

  it('joins purpose lines without SEPA keys with a space (they are lines of text)', () => {
    expect(parseInformation(['020?00UEBERWEISUNG?20Miete Januar?21Wohnung 3 links?22 ?32Hausverwaltung Schulz']).description).toBe(
      'Miete Januar Wohnung 3 links',
    );
  });

  it('uses text before the first SEPA key when there is no SVWZ+', () => {
    expect(parseInformation(['166?00GUTSCHRIFT?20Rechnung 12 EREF+E-1']).description).toBe('Rechnung 12');
    expect(parseInformation(['166?00GUTSCHRIFT?20EREF+E-1']).description).toBeNull();
  });

  it('keeps a ? that is not followed by two digits, and reads empty subfields as null', () => {
    const parsed = parseInformation(['835?00?20SVWZ+Wer? Wir?1?32']);
    expect(parsed).toEqual({ ...none, gvc: '835', description: 'Wer? Wir?1' });
  });
});

describe('parseInformation: SWIFT /CODE/value', () => {
  it('reads ING codes: trailing slashes, USTD//, MARF as the mandate, CNTP name', () => {
    const lines = ['/EREF/E-1//MARF/M-2//CSID/NL71ZZZ1//CNTP/NL32INGB0000012345/INGBNL2A/ACME B', '.V./AMSTERDAM//REMI/USTD//Order 7/'];
    expect(parseInformation(lines)).toEqual({
      ...none,
      endToEndReference: 'E-1',
      mandateReference: 'M-2',
      description: 'Order 7',
      counterparty: 'ACME B.V.',
    });
  });

  it('reads ABN AMRO codes (NAME, REMI, EREF NOTPROVIDED)', () => {
    const text = '/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/BIC/RABONL2U/NAME/J JANSEN/REMI/FACTUUR 1234/EREF/NOTPROVIDED';
    expect(parseInformation([text])).toEqual({ ...none, description: 'FACTUUR 1234', counterparty: 'J JANSEN' });
  });

  it('prefers ORDP, then BENM, NAME and the CNTP name for the counterparty; KREF and MREF are references', () => {
    expect(parseInformation(['/ORDP//NAME/Globex/KREF/K-1/MREF/M-1']).counterparty).toBe('Globex');
    expect(parseInformation(['/BENM/Tokyo Realty/NAME/Other']).counterparty).toBe('Tokyo Realty');
    expect(parseInformation(['/KREF/K-1/MREF/M-1'])).toEqual({ ...none, customerReference: 'K-1', mandateReference: 'M-1' });
  });

  it('reads text that only looks coded (no known code first) as free text', () => {
    expect(parseInformation(['/ABCD/ Zahlung']).description).toBe('/ABCD/ Zahlung');
    expect(parseInformation(['/ Zahlung /REMI/x']).description).toBe('/ Zahlung /REMI/x');
  });
});

describe('parseInformation: free text', () => {
  it('joins lines with a space, trimmed, dropping blank ones', () => {
    expect(parseInformation(['  Kartenzahlung REWE ', '', 'Filiale 0815  '])).toEqual({ ...none, description: 'Kartenzahlung REWE Filiale 0815' });
    expect(parseInformation(['   '])).toEqual(none);
  });
});
