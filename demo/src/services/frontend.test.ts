import { sessionUser } from './frontend';

describe('sessionUser', () => {
  it.each([
    ['session=user-7', 'user-7'],
    ['theme=dark; session=user-7; x=1', 'user-7'],
    ['session=a=b', 'a=b'],
    ['session=', undefined],
    ['sessionid=user-7', undefined],
    [undefined, undefined],
  ])('%s → %s', (cookie, user) => {
    expect(sessionUser(cookie)).toBe(user);
  });
});
