import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { User } from './types';

/** The signed-in user (null: anonymous; undefined: not known yet). */
export const Session = createContext<{ user: User | null | undefined; setUser: (u: User | null) => void }>({ user: undefined, setUser: () => undefined });
export const useSession = () => useContext(Session);

/** The signed-in user's unread notifications (shown in the header); `refresh` reads the count again. */
export const Notifications = createContext<{ unread: number; refresh: () => void }>({ unread: 0, refresh: () => undefined });
export const useNotifications = () => useContext(Notifications);
