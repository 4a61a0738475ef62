-- A component binding is looked up by the event that made it when that event is archived (the
-- archive keeps events that bound a component, and deleting an event checks the binding's foreign
-- key): without this index each archived event read every binding on the site.
CREATE INDEX component_binding_event ON component_binding (event_row_id);
