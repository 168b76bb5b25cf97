import { doctypeStartLength, findDoctype, MarkupSizeGuard } from './xml-guards';

describe('findDoctype / doctypeStartLength', () => {
  it('finds <!DOCTYPE in any case and only as a whole', () => {
    expect(findDoctype('<a/><!DocType x>')).toBe(4);
    expect(findDoctype('<!-- x --><![CDATA[<!DOCTYP]]>')).toBe(-1);
  });

  it('holds back only an end that could still become <!DOCTYPE', () => {
    expect(doctypeStartLength('<a>x<')).toBe(1);
    expect(doctypeStartLength('<a>x<!doc')).toBe(5);
    expect(doctypeStartLength('<a>x<!DOCTYP')).toBe(8);
    expect(doctypeStartLength('<a>x<!-')).toBe(0);
    expect(doctypeStartLength('<a>x</a')).toBe(0);
    expect(doctypeStartLength('<a>x')).toBe(0);
  });
});

describe('MarkupSizeGuard', () => {
  it('measures a text run across pieces and points at the first character over the limit', () => {
    const guard = new MarkupSizeGuard(10);
    expect(guard.check('<a>123456')).toBeNull();
    expect(guard.check('7890</a>')).toBeNull();
    expect(guard.check('<b>1234')).toBeNull();
    expect(guard.check('5678901')).toBe(6);
  });

  it('counts a tag up to its > but not a > inside a quoted attribute value', () => {
    expect(new MarkupSizeGuard(12).check('<a b=">>>>>>>>">')).toBe(12);
    expect(new MarkupSizeGuard(12).check('<a b=">>">text</a>')).toBeNull();
    const split = new MarkupSizeGuard(12);
    expect(split.check('<a b=\'>>')).toBeNull();
    expect(split.check('>>>>>>')).toBe(4);
  });

  it('counts comments, CDATA and processing instructions up to their own end only', () => {
    expect(new MarkupSizeGuard(12).check('<!-- >> > --><x/>')).toBe(12);
    expect(new MarkupSizeGuard(12).check('<!--->-->')).toBeNull();
    expect(new MarkupSizeGuard(12).check('<![CDATA[>]>]]>')).toBe(12);
    expect(new MarkupSizeGuard(12).check('<?p >>>>>>>>?>')).toBe(12);
    const split = new MarkupSizeGuard(20);
    expect(split.check('<!-')).toBeNull();
    expect(split.check('- a -')).toBeNull();
    expect(split.check('->text<b/>')).toBeNull();
  });
});
