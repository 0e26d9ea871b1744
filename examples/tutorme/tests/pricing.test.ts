import { describe, expect, it } from 'vitest';

import { quotePrice } from '@/lib/services/bookings';

describe('quotePrice', () => {
  it('charges pro rata to the cent', () => {
    expect(quotePrice('45.00', 60).toString()).toBe('45');
    expect(quotePrice('45.00', 45).toString()).toBe('33.75');
    expect(quotePrice('33.33', 50).toString()).toBe('27.78');
  });

  it('rejects lessons outside 30-180 minutes', () => {
    expect(() => quotePrice(40, 20)).toThrow();
    expect(() => quotePrice(40, 240)).toThrow();
  });
});
