import { choices } from './panel-options';

it('choices keeps the order written', () => {
  expect(choices({ log: 'Log', linear: 'Linear' })).toEqual({
    options: [
      { value: 'log', label: 'Log' },
      { value: 'linear', label: 'Linear' },
    ],
  });
});
