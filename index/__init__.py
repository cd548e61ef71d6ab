"""The corpus side of newsbot: load articles, chunk, embed, store in Chroma, keep it in sync."""
