# The authgraph app (`npm start`), used by docker-compose.yml.
FROM node:20-bookworm-slim

WORKDIR /app
# Run as the image's unprivileged user; it owns /app so the app can write its state folder.
RUN chown node:node /app
USER node

# Dependencies first: this layer is reused until package-lock.json changes.
COPY --chown=node:node package.json package-lock.json ./
# Runtime dependencies only (tsx, which runs the TypeScript sources, is one of them).
RUN npm ci --omit=dev

COPY --chown=node:node . .

CMD ["npm", "start"]
