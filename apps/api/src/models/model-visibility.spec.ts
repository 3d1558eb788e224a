import { applyVisibilityChange, visibilityOf } from './model-visibility';

describe('model visibility', () => {
  const publicModel = { private: false, gated: 'none' as const };

  it('derives visibility; private wins over gated', () => {
    expect(visibilityOf(publicModel)).toBe('public');
    expect(visibilityOf({ private: false, gated: 'manual' })).toBe('gated');
    expect(visibilityOf({ private: true, gated: 'auto' })).toBe('private');
  });

  it('visibility is the summary switch', () => {
    expect(applyVisibilityChange(publicModel, { visibility: 'gated' })).toEqual({ private: false, gated: 'auto' });
    expect(applyVisibilityChange({ private: false, gated: 'manual' }, { visibility: 'gated' })).toEqual({ private: false, gated: 'manual' });
    expect(applyVisibilityChange({ private: false, gated: 'manual' }, { visibility: 'private' })).toEqual({ private: true, gated: 'manual' });
    expect(applyVisibilityChange({ private: true, gated: 'manual' }, { visibility: 'public' })).toEqual({ private: false, gated: 'none' });
  });

  it('private and gated (Hugging Face settings) change only themselves', () => {
    expect(applyVisibilityChange({ private: true, gated: 'auto' }, { private: false })).toEqual({ private: false, gated: 'auto' });
    expect(applyVisibilityChange(publicModel, { gated: 'manual' })).toEqual({ private: false, gated: 'manual' });
    expect(applyVisibilityChange({ private: false, gated: 'auto' }, { gated: false })).toEqual(publicModel);
    expect(applyVisibilityChange(publicModel, { visibility: 'private', gated: 'auto' })).toEqual({ private: true, gated: 'auto' });
  });

  it('returns only the two settings, whatever else the current record holds', () => {
    const record = { ...publicModel, id: 'x', name: 'm', downloads: 3 };
    expect(applyVisibilityChange(record, { gated: 'auto' })).toEqual({ private: false, gated: 'auto' });
  });

  it('refuses contradictions', () => {
    expect(() => applyVisibilityChange(publicModel, { visibility: 'public', private: true })).toThrow(/contradicts/);
    expect(() => applyVisibilityChange(publicModel, { visibility: 'gated', gated: false })).toThrow(/contradicts/);
  });
});
