import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import type { User } from '@bridgeboard/contracts';
import { api, login as apiLogin, logout as apiLogout, onSessionEnd, tokens } from './api';
import { closeSocket } from './socket';

interface AuthState {
  user: User | null;
  login(username: string, password: string): Promise<void>;
  logout(): void;
}

const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

/** Holds the signed-in user; when the session ends anywhere, goes to /login with the reason. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(
    () =>
      onSessionEnd((message) => {
        setUser(null);
        closeSocket();
        void navigate('/login', { state: { message, from: location.pathname + location.search } });
      }),
    [navigate, location],
  );

  useEffect(() => {
    if (!tokens.access || user) return;
    api.get<User>('/api/auth/user').then(setUser, () => undefined /* the session-end listener handles 401 */);
  }, [user]);

  const value: AuthState = {
    user,
    async login(username, password) {
      await apiLogin(username, password);
      setUser(await api.get<User>('/api/auth/user'));
    },
    logout() {
      apiLogout();
      closeSocket();
      setUser(null);
      void navigate('/login');
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** Pages behind it need a session; without one the user lands on /login and comes back after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const location = useLocation();
  if (!tokens.access) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}
