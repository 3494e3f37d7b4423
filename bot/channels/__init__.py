"""Gateways between chat platforms (Telegram, Zalo OA) and Rasa's REST channel."""
