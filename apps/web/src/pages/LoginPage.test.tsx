import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SESSION_EXPIRED, tokens, UNREACHABLE } from '../app/api';
import { fakeFetch, renderAt } from '../test/render';
import { LoginPage } from './LoginPage';

const fill = async (email: string, password: string) => {
  await userEvent.type(screen.getByLabelText(/email/i), email);
  await userEvent.type(screen.getByLabelText(/password/i), password);
  await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
};

describe('LoginPage', () => {
  it('stores the tokens and opens the home page when the credentials are right', async () => {
    const { calls } = fakeFetch((c) =>
      c.url === '/api/auth/login'
        ? [200, { token: 'T1', refreshToken: 'R1' }]
        : [200, { email: 'tenant@example.com', authority: 'TENANT_ADMIN' }],
    );
    renderAt(<LoginPage />, { route: '/login' });
    await fill('tenant@example.com', 'tenant');
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/'));
    expect(calls[0]).toMatchObject({
      method: 'POST',
      url: '/api/auth/login',
      body: { username: 'tenant@example.com', password: 'tenant' },
    });
    expect(tokens.access).toBe('T1');
    expect(tokens.refresh).toBe('R1');
  });

  it("shows the server's sentence when the password is wrong", async () => {
    fakeFetch(() => [
      401,
      { status: 401, message: 'Invalid username or password', errorCode: 10, timestamp: 1 },
    ]);
    renderAt(<LoginPage />, { route: '/login' });
    await fill('tenant@example.com', 'nope');
    expect(await screen.findByText('Invalid username or password')).toBeTruthy();
    expect(tokens.access).toBeNull();
  });

  it('says the server cannot be reached when the request fails', async () => {
    fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    renderAt(<LoginPage />, { route: '/login' });
    await fill('tenant@example.com', 'tenant');
    expect(await screen.findByText(UNREACHABLE)).toBeTruthy();
  });

  it('explains that the session expired when sent back to log in', () => {
    renderAt(<LoginPage />, { route: '/login', state: { message: SESSION_EXPIRED } });
    expect(screen.getByText(SESSION_EXPIRED)).toBeTruthy();
  });
  it('sends a signed-in user on to the home page instead of showing the form again', async () => {
    tokens.set({ token: 'T1', refreshToken: 'R1' });
    fakeFetch(() => [200, {}]);
    renderAt(<LoginPage />, { route: '/login' });
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/'));
  });
});
