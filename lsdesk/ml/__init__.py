"""ML backends: the model-server protocol of Label Studio 0.8 and 1.x, and the predictions lsdesk asks for."""
