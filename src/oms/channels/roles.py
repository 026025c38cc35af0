"""What each built-in role may do with channels, deliveries and imports (Administrator holds all)."""

GRANTS = {
    "order_clerk": [
        "channels.view_channel",
        "channels.view_skumapping",
        "channels.add_skumapping",
        "channels.change_skumapping",
        "channels.delete_skumapping",
        "channels.view_importjob",
        "channels.add_importjob",
        "channels.view_inbounddelivery",
        "channels.change_inbounddelivery",
    ],
    "reviewer": ["channels.view_channel"],
    "viewer": ["channels.view_channel"],
}
